// Capture times as record text: ISO-8601 UTC and epoch seconds, both at the file's full
// resolution, computed with integers only (no time zone, no floating point).
#pragma once

#include "pcapkit/frame.h"

namespace pcapkit::util {

// "2017-11-19T15:49:05.471719Z"; `out` needs 40 bytes. Years past 9999 print in full.
char* WriteIsoTime(char* out, const Timestamp& t);
// "1511106545.471719"; `out` needs 32 bytes.
char* WriteEpoch(char* out, const Timestamp& t);

}  // namespace pcapkit::util
