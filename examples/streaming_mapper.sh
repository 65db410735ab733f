#!/bin/sh
# A mapper for Spark's RDD.pipe and Hadoop Streaming (docs/python.md "Spark and Hadoop"):
# reads capture paths, one per line, on stdin, and writes every frame's record as NDJSON
# on stdout, the captures one after the other in input order. pcap is not splittable,
# so the unit of work is a whole file: the framework hands the mapper paths, not bytes.
#
#   ls /data/*.pcap | examples/streaming_mapper.sh > records.ndjson
#
# PCAPKIT names the program (default: pcapkit on PATH); extra arguments go to `extract`
# (-e FIELD ... for flat rows, --filter EXPR, ...). A capture that cannot be read is
# reported on stderr with its name; the records before the fault are kept, and the mapper
# goes on with the next path (exit 1 at the end, so the framework sees the failure).
pcapkit=${PCAPKIT:-pcapkit}
status=0
while IFS= read -r path; do
  [ -n "$path" ] || continue
  "$pcapkit" extract "$path" -f ndjson -o - --quiet "$@" || status=1
done
exit $status
