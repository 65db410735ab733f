// Server: jspcap's MPServer done right. The calling thread reads batches and posts each to
// a Boost.Asio worker pool, which runs the graph's parallel stages; the serial stages run
// on the server, a strand that alone owns their state (reassembly, the output). The server
// takes batches back in any order and runs them in sequence from a small reorder buffer.
// Nothing is shared per frame: a post per batch and per phase.
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <vector>

#include "stages/strategies/strategy.h"
#include "stages/strategies/work_pool.h"

namespace pcapkit::strategies {

using stages::WorkItem;

namespace {

// A run of consecutive stages of one kind: parallel ones run on a worker, serial ones on
// the server, in batch order.
struct Phase {
  bool serial;
  size_t first, end;                      // stages [first, end)
  std::map<uint64_t, WorkItem*> waiting;  // serial: batches ahead of their turn
  uint64_t next = 0;                      // serial: the batch whose turn it is
};

std::vector<Phase> PhasesOf(const stages::FlowGraph& graph) {
  std::vector<Phase> phases;
  for (size_t i = 0; i < graph.stages.size(); ++i) {
    if (phases.empty() || phases.back().serial != graph.stages[i].serial)
      phases.push_back({graph.stages[i].serial, i, i});
    phases.back().end = i + 1;
  }
  return phases;
}

class Server {
 public:
  Server(const stages::FlowGraph& graph, const RunLimits& limits)
      : graph_(graph),
        pool_(limits.inflight),
        workers_(limits.threads),
        server_(boost::asio::make_strand(workers_)),
        phases_(PhasesOf(graph)) {}

  Status Run(size_t* max_inflight) {
    for (uint64_t seq = 0; !failure_.failed(); ++seq) {
      WorkItem* item = pool_.Take();  // blocks while `inflight` batches are out
      if (!graph_.source->Read(seq, *item)) {
        pool_.Give(item);
        break;
      }
      Advance(item, 0);
    }
    workers_.join();
    *max_inflight = pool_.max_out();
    return failure_.status();
  }

 private:
  // Sends `item` into phase `p`; after the last, back to the pool.
  void Advance(WorkItem* item, size_t p) {
    if (p == phases_.size()) {
      pool_.Give(item);
      return;
    }
    if (!phases_[p].serial) {
      boost::asio::post(workers_, [this, item, p] {
        RunStages(phases_[p], *item);
        Advance(item, p + 1);
      });
      return;
    }
    boost::asio::post(server_, [this, item, p] { Deliver(item, phases_[p], p); });
  }

  // On the server: runs the batches of a serial phase in sequence as their turns come.
  void Deliver(WorkItem* item, Phase& phase, size_t p) {
    phase.waiting.emplace(item->sequence, item);
    while (!phase.waiting.empty() && phase.waiting.begin()->first == phase.next) {
      WorkItem* ready = phase.waiting.begin()->second;
      phase.waiting.erase(phase.waiting.begin());
      ++phase.next;
      RunStages(phase, *ready);
      Advance(ready, p + 1);
    }
  }

  void RunStages(const Phase& phase, WorkItem& item) {
    for (size_t i = phase.first; i < phase.end; ++i) failure_.Run(graph_.stages[i], item);
  }

  const stages::FlowGraph& graph_;
  WorkPool pool_;
  boost::asio::thread_pool workers_;
  boost::asio::strand<boost::asio::thread_pool::executor_type> server_;
  std::vector<Phase> phases_;
  FirstFailure failure_;
};

}  // namespace

Status RunServer(const stages::FlowGraph& graph, const RunLimits& limits, size_t* max_inflight) {
  return Server(graph, limits).Run(max_inflight);
}

}  // namespace pcapkit::strategies
