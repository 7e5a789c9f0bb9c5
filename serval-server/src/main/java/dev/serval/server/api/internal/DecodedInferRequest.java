package dev.serval.server.api.internal;

import dev.serval.serving.InferenceRequest;

/** An infer request as decoded from the wire, and how its response is to be encoded. */
record DecodedInferRequest(InferenceRequest request, OutputEncoding encoding) {}
