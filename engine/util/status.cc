#include "engine/util/status.h"

#include "pcapkit/errors.h"

namespace pcapkit {

void Raise(const Status& s) {
  switch (s.code()) {
    case Status::Code::kOk:
      return;
    case Status::Code::kInvalidArgument:
      throw FormatError(s.message());
    case Status::Code::kCorruptInput:
      throw InputError(s.message(), s.file(), s.frame(), s.offset());
    case Status::Code::kIoError:
      throw OutputError(s.message());
    case Status::Code::kInternal:
      throw Error(s.message());
  }
}

}  // namespace pcapkit
