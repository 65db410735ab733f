// Sequential: one thread, one work item, the stages in turn. The reference output.
#include "stages/strategies/strategy.h"
#include "stages/strategies/work_pool.h"

namespace pcapkit::strategies {

size_t RunSequential(const RunContext& c) {
  stages::WorkItem item;
  for (uint64_t seq = 0; c.source->Read(seq, item); ++seq) {
    stages::Process(c.process, item);
    if (c.reassembly) c.reassembly->Run(item);
    c.sink->Write(item);
  }
  return 1;
}

}  // namespace pcapkit::strategies
