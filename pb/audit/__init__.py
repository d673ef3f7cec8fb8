"""The audit log. `pb.audit.chain` is pure (standard library only) for the offline verifier;
the database side lives in `pb.audit.services`, imported as `audit` by other services."""
