// Server: jspcap's MPServer done right. The calling thread reads batches and posts each to
// a Boost.Asio worker pool; a worker processes it and hands it to the server, a strand
// that alone owns the stateful stage (reassembly) and the output. The server takes batches
// back in any order and emits them in sequence from a small reorder buffer. Nothing is
// shared per frame: one post per batch each way.
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>
#include <map>

#include "stages/strategies/strategy.h"
#include "stages/strategies/work_pool.h"

namespace pcapkit::strategies {

size_t RunServer(const RunContext& c) {
  WorkPool pool(c.inflight);
  boost::asio::thread_pool workers(c.threads);
  auto server = boost::asio::make_strand(workers);
  // Owned by the strand.
  std::map<uint64_t, stages::WorkItem*> waiting;
  uint64_t next_to_write = 0;
  std::exception_ptr failure;
  std::atomic<bool> failed{false};

  auto deliver = [&](stages::WorkItem* item) {
    waiting.emplace(item->sequence, item);
    while (!waiting.empty() && waiting.begin()->first == next_to_write) {
      stages::WorkItem* ready = waiting.begin()->second;
      waiting.erase(waiting.begin());
      ++next_to_write;
      if (!failure) {
        try {
          if (c.reassembly) c.reassembly->Run(*ready);
          c.sink->Write(*ready);
        } catch (...) {
          failure = std::current_exception();
          failed = true;
        }
      }
      pool.Give(ready);
    }
  };

  for (uint64_t seq = 0; !failed; ++seq) {
    stages::WorkItem* item = pool.Take();  // blocks while `inflight` batches are out
    if (!c.source->Read(seq, *item)) {
      pool.Give(item);
      break;
    }
    boost::asio::post(workers, [&, item] {
      stages::Process(c.process, *item);
      boost::asio::post(server, [&, item] { deliver(item); });
    });
  }
  workers.join();
  if (failure) std::rethrow_exception(failure);
  return pool.max_out();
}

}  // namespace pcapkit::strategies
