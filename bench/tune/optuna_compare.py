#!/usr/bin/env python3
"""Optuna's TPE (default settings) on the functions of serval-bench's BenchmarkFunctions.

The functions, spaces and optima here must match
serval-bench/src/main/java/dev/serval/bench/tune/BenchmarkFunctions.java.

Usage: optuna_compare.py [--seeds 10] [--trials 50] [--output optuna.json]
                         [--serval serval.json]   (print the Serval vs Optuna table)
"""
import argparse
import json
import math

import optuna

HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
              [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
HARTMANN_P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
              [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
              [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
              [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
ACTIVATION_PENALTY = {"relu": 0.0, "tanh": 0.5, "sigmoid": 1.0}


def cube(trial, dims, low, high):
    return [trial.suggest_float("x%d" % i, low, high) for i in range(dims)]


def branin(trial):
    x0 = trial.suggest_float("x0", -5, 10)
    x1 = trial.suggest_float("x1", 0, 15)
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x1 - b * x0 ** 2 + c * x0 - 6) ** 2 + 10 * (1 - t) * math.cos(x0) + 10


def hartmann6(trial):
    x = cube(trial, 6, 0, 1)
    return -sum(alpha * math.exp(-sum(a * (xj - p) ** 2 for a, xj, p in zip(row_a, x, row_p)))
                for alpha, row_a, row_p in zip(HARTMANN_ALPHA, HARTMANN_A, HARTMANN_P))


def rosenbrock4(trial):
    x = cube(trial, 4, -5, 10)
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(3))


def mixed(trial):
    lr = trial.suggest_float("lr", 1e-4, 1, log=True)
    layers = trial.suggest_int("layers", 1, 8)
    act = trial.suggest_categorical("act", ["relu", "tanh", "sigmoid"])
    return (math.log10(lr) + 2.5) ** 2 + 0.1 * (layers - 5) ** 2 + ACTIVATION_PENALTY[act]


FUNCTIONS = [("branin", 0.397887, branin), ("hartmann6", -3.32237, hartmann6),
             ("rosenbrock4", 0.0, rosenbrock4), ("mixed", 0.0, mixed)]


def quantile(values, p):
    """Linear interpolation between order statistics, as BestValues.quantile in Java."""
    s = sorted(values)
    pos = p * (len(s) - 1)
    below = math.floor(pos)
    above = min(below + 1, len(s) - 1)
    return s[below] + (pos - below) * (s[above] - s[below])


def run(seeds, trials):
    results = []
    for name, optimum, objective in FUNCTIONS:
        best = []
        for seed in range(seeds):
            study = optuna.create_study(direction="minimize",
                                        sampler=optuna.samplers.TPESampler(seed=seed))
            study.optimize(objective, n_trials=trials)
            best.append(study.best_value)
        results.append({"function": name, "sampler": "optuna-tpe", "optimum": optimum,
                        "trials": trials, "bestPerSeed": best, "median": quantile(best, 0.5),
                        "q1": quantile(best, 0.25), "q3": quantile(best, 0.75)})
    return {"optuna": optuna.__version__, "seeds": seeds, "trials": trials, "results": results}


def compare(serval, optuna_report):
    """Markdown table: each Serval sampler's median next to Optuna TPE's, per function."""
    theirs = {r["function"]: r for r in optuna_report["results"]}
    samplers = []
    for r in serval["results"]:
        if r["sampler"] not in samplers:
            samplers.append(r["sampler"])
    ours = {(r["function"], r["sampler"]): r for r in serval["results"]}
    header = ["function", "optimum", "Optuna TPE median [q1, q3]"]
    header += ["Serval %s median [q1, q3]" % s for s in samplers]
    header += ["default (auto) <= Optuna", "Serval tpe <= Optuna", "best Serval sampler <= Optuna"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for name, optimum, _ in FUNCTIONS:
        t = theirs[name]
        cells = [name, "%.6g" % optimum, cell(t)]
        cells += [cell(ours[(name, s)]) for s in samplers]
        best_sampler = min(samplers, key=lambda s: ours[(name, s)]["median"])
        for sampler in ("auto", "tpe"):
            mine = ours[(name, sampler)]["median"]
            cells.append(verdict(mine, t["median"], mine <= t["median"]))
        cells.append("%s: %s" % (best_sampler, verdict(ours[(name, best_sampler)]["median"],
                                                       t["median"],
                                                       ours[(name, best_sampler)]["median"]
                                                       <= t["median"])))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def cell(r):
    return "%.4g [%.4g, %.4g]" % (r["median"], r["q1"], r["q3"])


def verdict(ours, theirs, met):
    return ("met" if met else "**not met**") + " (gap %+.3g)" % (ours - theirs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--output", default="optuna.json")
    parser.add_argument("--serval", help="Serval TuneBenchmark JSON to compare with")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    report = run(args.seeds, args.trials)
    with open(args.output, "w") as out:
        json.dump(report, out, indent=2)
    if args.serval:
        with open(args.serval) as f:
            print(compare(json.load(f), report))


if __name__ == "__main__":
    main()
