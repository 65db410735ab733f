// Strategies: who runs the flow graph's stages (stages/flow_graph.h), on which threads.
// They run the same stage functions on the same work items, serial stages in batch order,
// so they write the same bytes; they differ in parallelism only.
#pragma once

#include <cstddef>

#include "engine/util/status.h"
#include "stages/flow_graph.h"

namespace pcapkit::strategies {

struct RunLimits {
  unsigned threads;  // worker threads (parallel strategies)
  size_t inflight;   // work items between the reader and the last stage at most
};

// Each runs the graph until its source stops, and sets `*max_inflight` to the most work
// items that were in flight at once. A stage's failure stops the run after the batches
// before it went through every stage, and is returned; the source's own failure (a
// corrupt capture) is left to the caller, after every batch before it was written.
Status RunSequential(const stages::FlowGraph& graph, const RunLimits& limits, size_t* max_inflight);
Status RunPipeline(const stages::FlowGraph& graph, const RunLimits& limits, size_t* max_inflight);
Status RunServer(const stages::FlowGraph& graph, const RunLimits& limits, size_t* max_inflight);

}  // namespace pcapkit::strategies
