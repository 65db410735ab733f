#include "stages/flow_graph.h"

namespace pcapkit::stages {

FlowGraph MakeFlowGraph(const GraphParts& parts) {
  FlowGraph graph{parts.source, {}};
  // Dissects and serializes every frame, and picks out what the stateful stages take.
  graph.stages.push_back({"dissect", false, [process = parts.process](WorkItem& item) {
                            Process(process, item);
                            return Status::Ok();
                          }});
  if (parts.reassembly != nullptr)
    graph.stages.push_back({"reassemble", true, [reassembly = parts.reassembly](WorkItem& item) {
                              return reassembly->Run(item);
                            }});
  if (parts.flows != nullptr)
    graph.stages.push_back(
        {"flows", true, [flows = parts.flows](WorkItem& item) { return flows->Run(item); }});
  if (parts.analysis != nullptr) {
    AnalysisStage* analysis = parts.analysis;
    graph.stages.push_back({"analyse", true, [analysis](WorkItem& i) { return analysis->Run(i); }});
    if (analysis->holds()) {
      graph.stages.push_back(
          {"analyse-bodies", false, [analysis](WorkItem& i) { return analysis->Render(i); }});
      graph.stages.push_back(
          {"analyse-write", true, [analysis](WorkItem& i) { return analysis->Emit(i); }});
    }
  }
  graph.stages.push_back(
      {"write", true, [sink = parts.sink](WorkItem& item) { return sink->Write(item); }});
  return graph;
}

}  // namespace pcapkit::stages
