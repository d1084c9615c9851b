"""What differs between the two record backends, chosen from the record: the GeoPackage's
:mod:`.click_record` and the team's PostGIS schema (:mod:`.postgres`)."""

from __future__ import annotations

from .assessment import AssessmentStore


def assessment_store(record) -> AssessmentStore:
    """The accuracy assessment tables of ``record``, whichever its backend."""
    if record.backend == "geopackage":
        return AssessmentStore(record)
    from .postgres.assessment import TeamAssessmentStore

    return TeamAssessmentStore(record)
