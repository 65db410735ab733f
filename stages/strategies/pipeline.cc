// Pipeline: a oneTBB flow graph. The input node reads batches one at a time, in order; a
// limiter bounds how many are in flight; the process node runs on every thread of the
// arena; a sequencer puts batches back in reading order before the serial writer, which
// hands each item back to the pool and opens the limiter for the next batch. With
// reassembly on, a serial stateful node sits between the sequencer and the writer.
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include "stages/strategies/strategy.h"
#include "stages/strategies/work_pool.h"

namespace pcapkit::strategies {

size_t RunPipeline(const RunContext& c) {
  namespace flow = oneapi::tbb::flow;
  // The input node holds one read item while the limiter is closed, so the limiter lets
  // one fewer through: `inflight` items in all (at least 2, or the reader would wait on
  // an item that only it could free). The writer frees an item before it opens the
  // limiter, so taking one from the pool never waits.
  const size_t inflight = std::max<size_t>(c.inflight, 2);
  WorkPool pool(inflight);
  uint64_t next_sequence = 0;
  // TBB caps its workers at the core count unless told otherwise; --threads decides.
  oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism,
                                    c.threads);
  oneapi::tbb::task_arena arena(int(c.threads));
  arena.execute([&] {
    flow::graph g;
    flow::input_node<stages::WorkItem*> read(
        g, [&](oneapi::tbb::flow_control& fc) -> stages::WorkItem* {
          stages::WorkItem* item = pool.Take();
          if (!c.source->Read(next_sequence, *item)) {
            pool.Give(item);
            fc.stop();
            return nullptr;
          }
          ++next_sequence;
          return item;
        });
    flow::limiter_node<stages::WorkItem*> limit(g, inflight - 1);
    flow::function_node<stages::WorkItem*, stages::WorkItem*> process(
        g, flow::unlimited, [&](stages::WorkItem* item) {
          stages::Process(c.process, *item);
          return item;
        });
    flow::sequencer_node<stages::WorkItem*> order(
        g, [](stages::WorkItem* const& item) { return size_t(item->sequence); });
    flow::function_node<stages::WorkItem*, flow::continue_msg> write(g, flow::serial,
                                                                     [&](stages::WorkItem* item) {
                                                                       c.sink->Write(*item);
                                                                       pool.Give(item);
                                                                       return flow::continue_msg();
                                                                     });
    flow::make_edge(read, limit);
    flow::make_edge(limit, process);
    // The stateful stage: serial, fed in order by the sequencer, ahead of the writer so
    // that reassembling one batch overlaps writing the one before.
    flow::function_node<stages::WorkItem*, stages::WorkItem*> reassemble(
        g, flow::serial, [&](stages::WorkItem* item) {
          c.reassembly->Run(*item);
          return item;
        });
    flow::make_edge(process, order);
    if (c.reassembly) {
      flow::make_edge(order, reassemble);
      flow::make_edge(reassemble, write);
    } else {
      flow::make_edge(order, write);
    }
    flow::make_edge(write, limit.decrementer());
    read.activate();
    g.wait_for_all();
  });
  return pool.max_out();
}

}  // namespace pcapkit::strategies
