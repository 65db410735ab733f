// Pipeline: a oneTBB flow graph made from the graph's description. The input node reads
// batches one at a time, in order; a limiter bounds how many are in flight; each stage is
// a node — parallel ones run on every thread of the arena, serial ones one batch at a
// time, each behind a sequencer that puts batches back in reading order;
// the last node hands each item back to the pool and opens the limiter for the next
// batch. Consecutive serial stages overlap: reassembling batch n+1 while writing batch n.
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <memory>
#include <vector>

#include "stages/strategies/strategy.h"
#include "stages/strategies/work_pool.h"

namespace pcapkit::strategies {

namespace flow = oneapi::tbb::flow;
using stages::WorkItem;

namespace {

// The nodes of the stages, chained after `first`; returns the last one.
flow::sender<WorkItem*>& AddStageNodes(flow::graph& g, const stages::FlowGraph& graph,
                                       FirstFailure& failure, flow::sender<WorkItem*>& first,
                                       std::vector<std::unique_ptr<flow::graph_node>>& nodes) {
  flow::sender<WorkItem*>* last = &first;
  for (const stages::Stage& stage : graph.stages) {
    // Every serial stage needs its own sequencer, even behind another serial stage: a
    // serial function_node starts its next item before it hands the finished one on, so
    // with two threads batch n+1 can reach the next stage before batch n does.
    if (stage.serial) {
      auto order = std::make_unique<flow::sequencer_node<WorkItem*>>(
          g, [](WorkItem* const& item) { return size_t(item->sequence); });
      flow::make_edge(*last, *order);
      last = order.get();
      nodes.push_back(std::move(order));
    }
    auto node = std::make_unique<flow::function_node<WorkItem*, WorkItem*>>(
        g, stage.serial ? flow::serial : flow::unlimited, [&failure, &stage](WorkItem* item) {
          failure.Run(stage, *item);
          return item;
        });
    flow::make_edge(*last, *node);
    last = node.get();
    nodes.push_back(std::move(node));
  }
  return *last;
}

}  // namespace

Status RunPipeline(const stages::FlowGraph& graph, const RunLimits& limits, size_t* max_inflight) {
  // The input node holds one read item while the limiter is closed, so the limiter lets
  // one fewer through: `inflight` items in all (at least 2, or the reader would wait on
  // an item that only it could free). The last node frees an item before it opens the
  // limiter, so taking one from the pool never waits.
  const size_t inflight = std::max<size_t>(limits.inflight, 2);
  WorkPool pool(inflight);
  FirstFailure failure;
  uint64_t next_sequence = 0;
  // TBB caps its workers at the core count unless told otherwise; --threads decides.
  oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism,
                                    limits.threads);
  oneapi::tbb::task_arena arena(int(limits.threads));
  arena.execute([&] {
    flow::graph g;
    flow::input_node<WorkItem*> read(g, [&](oneapi::tbb::flow_control& fc) -> WorkItem* {
      WorkItem* item = pool.Take();
      if (failure.failed() || !graph.source->Read(next_sequence, *item)) {
        pool.Give(item);
        fc.stop();
        return nullptr;
      }
      ++next_sequence;
      return item;
    });
    flow::limiter_node<WorkItem*> limit(g, inflight - 1);
    flow::make_edge(read, limit);
    std::vector<std::unique_ptr<flow::graph_node>> nodes;
    flow::sender<WorkItem*>& last = AddStageNodes(g, graph, failure, limit, nodes);
    flow::function_node<WorkItem*, flow::continue_msg> done(g, flow::unlimited,
                                                            [&](WorkItem* item) {
                                                              pool.Give(item);
                                                              return flow::continue_msg();
                                                            });
    flow::make_edge(last, done);
    flow::make_edge(done, limit.decrementer());
    read.activate();
    g.wait_for_all();
  });
  *max_inflight = pool.max_out();
  return failure.status();
}

}  // namespace pcapkit::strategies
