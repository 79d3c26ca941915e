#include "lead-intake/rep_mapping.h"

#include "routing/worker_proto.h"

namespace firstline::lead_intake {

absl::StatusOr<routing::Worker> WorkerFromRep(const firstline::v1::Rep& rep) {
  return routing::WorkerFromProto(rep, rep.rep_id(), "rep", "rep_id");
}

firstline::v1::Rep RepFromWorker(const routing::Worker& worker) {
  firstline::v1::Rep rep;
  rep.set_rep_id(worker.id);
  routing::WorkerToProto(worker, &rep);
  return rep;
}

}  // namespace firstline::lead_intake
