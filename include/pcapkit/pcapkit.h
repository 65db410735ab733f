// pcapkit: packet captures to structured records, fast. Include this one header.
#pragma once

#include "pcapkit/analysis.h"
#include "pcapkit/bench.h"
#include "pcapkit/errors.h"
#include "pcapkit/extractor.h"
#include "pcapkit/flows.h"
#include "pcapkit/frame.h"
#include "pcapkit/io.h"
#include "pcapkit/ipsuite.h"
#include "pcapkit/layers.h"
#include "pcapkit/options.h"
#include "pcapkit/protocol_id.h"
#include "pcapkit/protocols.h"
#include "pcapkit/reassembly.h"
