// Strategies: who runs the stages of stages/batch_stages.h, on which threads. They share
// the stage functions, so they write the same bytes; they differ in parallelism only.
#pragma once

#include <cstddef>

#include "stages/batch_stages.h"
#include "stages/reassembly_stage.h"

namespace pcapkit::strategies {

struct RunContext {
  stages::Source* source;
  stages::ProcessOptions process;
  stages::Sink* sink;
  unsigned threads;  // worker threads (parallel strategies)
  size_t inflight;   // work items between reader and writer at most
  // The stateful stage, run on every batch in order before it is written; null when off.
  stages::ReassemblyStage* reassembly = nullptr;
};

// Each runs the capture through read -> process -> write until the reader stops, and
// returns the most work items that were in flight at once. An exception from a stage
// (a failed write) stops the run and propagates; the reader's own error is left for the
// caller, after every batch before it has been written.
size_t RunSequential(const RunContext& context);
size_t RunPipeline(const RunContext& context);
size_t RunServer(const RunContext& context);

}  // namespace pcapkit::strategies
