#include "engine/analysis/ftp_data.h"

#include <openssl/evp.h>

#include <cstring>

namespace pcapkit::analysis::ftp {
namespace {

const EVP_MD* Sha256() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// The payload is hashed as it passes (nothing is buffered); either direction may carry
// it (a download goes from the server in passive mode, from the client in active mode).
class DataAnalyser final : public Analyser {
 public:
  DataAnalyser(std::shared_ptr<Transfer> transfer, const Context& c)
      : t_(std::move(transfer)), md_(EVP_MD_CTX_new()) {
    t_->started = true;
    t_->flow = c.conversation->flow;
    std::memcpy(t_->community_id, c.conversation->community_id, sizeof t_->community_id);
    hashing_ = md_ && Sha256() && EVP_DigestInit_ex2(md_, Sha256(), nullptr) == 1;
  }
  ~DataAnalyser() override {
    Finish(false);  // a table torn down: the control analyser is told nothing more
    EVP_MD_CTX_free(md_);
  }
  DataAnalyser(const DataAnalyser&) = delete;
  DataAnalyser& operator=(const DataAnalyser&) = delete;

  void Data(int dir, std::span<const uint8_t> bytes, const Position&) override {
    if (!Payload(dir)) return;
    t_->bytes += bytes.size();
    if (hashing_ && t_->gaps == 0)
      hashing_ = EVP_DigestUpdate(md_, bytes.data(), bytes.size()) == 1;
  }
  // A hole carries the payload too: missing bytes are only sent where data flows.
  void Gap(int dir, uint64_t len, const Position&) override {
    if (Payload(dir)) t_->gaps += len;
  }
  void End(const Position&) override { Finish(true); }
  size_t held() const override { return sizeof *this; }

 private:
  // True for bytes of the payload direction (the first that carried anything).
  bool Payload(int dir) {
    if (t_->ended) return false;
    if (payload_ < 0) payload_ = dir;
    return dir == payload_;
  }
  void Finish(bool tell) {
    if (t_->ended) return;
    unsigned len = 0;
    t_->hashed = hashing_ && t_->gaps == 0 && EVP_DigestFinal_ex(md_, t_->sha256, &len) == 1 &&
                 len == sizeof t_->sha256;
    t_->ended = true;
    if (!tell) return;
    if (std::shared_ptr<DataListener> listener = t_->listener.lock()) listener->DataEnded();
  }

  std::shared_ptr<Transfer> t_;
  EVP_MD_CTX* md_;
  bool hashing_ = false;
  int payload_ = -1;
};

}  // namespace

std::unique_ptr<Analyser> MakeDataAnalyser(const std::shared_ptr<Transfer>& transfer,
                                           const Context& context) {
  return std::make_unique<DataAnalyser>(transfer, context);
}

}  // namespace pcapkit::analysis::ftp
