// Sequential: one thread, one work item, the stages in turn. The reference output.
#include "stages/strategies/strategy.h"

namespace pcapkit::strategies {

Status RunSequential(const stages::FlowGraph& graph, const RunLimits&, size_t* max_inflight) {
  *max_inflight = 1;
  stages::WorkItem item;
  for (uint64_t seq = 0; graph.source->Read(seq, item); ++seq)
    for (const stages::Stage& stage : graph.stages)
      if (Status s = stage.run(item); !s.ok()) return s;
  return Status::Ok();
}

}  // namespace pcapkit::strategies
