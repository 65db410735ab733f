// The flow graph of an extraction, described once. Every strategy (stages/strategies)
// runs this same description; they differ only in which threads run which stage.
//
//   read ─> dissect + serialize ─> [reassemble] ─> [flows] ─> [analyse [─> bodies ─> append]]
//   serial       parallel             serial        serial      serial     parallel   serial
//   ─> write
//      serial
//
// A graph is its source of batches and its stages in order. A parallel stage may run on
// any thread, for several batches at once; a serial stage sees one batch at a time, in
// capture order, so the stateful stages (reassembly, flows, application analysis) and
// the writers give the same bytes under every strategy. Application analysis holding
// bodies (AnalysisStage::holds) is three stages: the transactions are found serially,
// their bodies hashed and their records written in parallel, and the records appended
// to the report in order.
#pragma once

#include <functional>
#include <vector>

#include "engine/util/status.h"
#include "stages/analysis_stage.h"
#include "stages/batch_stages.h"
#include "stages/flow_stage.h"
#include "stages/reassembly_stage.h"

namespace pcapkit::stages {

struct Stage {
  const char* name;
  bool serial;  // one batch at a time, in capture order; else any thread, any order
  // Fails the run (the output cannot be written, say); the batches before it are done.
  std::function<Status(WorkItem&)> run;
};

struct FlowGraph {
  Source* source;  // serial, in order: fills the next work item
  std::vector<Stage> stages;
};

// The stages an extraction is made of; null for the ones the options leave out.
struct GraphParts {
  Source* source;
  ProcessOptions process;
  ReassemblyStage* reassembly = nullptr;
  FlowStage* flows = nullptr;
  AnalysisStage* analysis = nullptr;
  Sink* sink;
};

// The graph: which stages, serial or parallel, in what order.
FlowGraph MakeFlowGraph(const GraphParts& parts);

}  // namespace pcapkit::stages
