# Sourced by the bench scripts: builds serval-bench (unless told not to) and runs its mains.
#
# bench_prepare ROOT BUILD WORKDIR   BUILD is yes or no; the class path goes to WORKDIR/classpath
# bench_java MAINCLASS ARG...        runs dev.serval.bench.MAINCLASS on that class path

bench_prepare() {
  bench_root="$1"
  bench_classpath_file="$3/classpath"
  if [[ "$2" == yes ]]; then
    (cd "$bench_root" && mvn -q -B -Dstyle.color=never -DskipTests install -pl serval-bench -am)
  fi
  (cd "$bench_root" && mvn -q -B -Dstyle.color=never -pl serval-bench \
    dependency:build-classpath -Dmdep.outputFile="$bench_classpath_file" >/dev/null)
}

bench_java() {
  local main="$1"
  shift
  java -cp "$bench_root/serval-bench/target/classes:$(cat "$bench_classpath_file")" \
    "dev.serval.bench.$main" "$@"
}
