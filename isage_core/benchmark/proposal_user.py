"""The simulated user of the panel's proposals: each proposed pixel labelled with its reference class.

As a person stepping through *Next proposal* would: every proposal gets the class the reference shows
there, at most one click per class per frame per round (a second proposal that turns out to be a class
already labelled on that frame is skipped), and proposals on unlabelled reference pixels are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..proposals.select import Proposal
from ..record.click_record import ClickRecord


@dataclass(frozen=True)
class LabelledRound:
    added: int  # clicks written
    on_errors: int  # of them, where the model's predicted class was wrong


def label_proposals(
    record: ClickRecord,
    proposals: Iterable[Proposal],
    references: Mapping[str, np.ndarray],
    class_ids: Iterable[int],
    annotator: str,
    after_click: Callable[[], object] | None = None,
) -> LabelledRound:
    """Write one click per proposal the reference labels, within the method's budget; ``after_click``
    runs after each (the person's time)."""
    known, taken = set(class_ids), set()
    added = on_errors = 0
    for proposal in proposals:
        class_id = int(references[proposal.frame][proposal.row, proposal.col])
        if class_id not in known or (proposal.frame, class_id) in taken:
            continue
        taken.add((proposal.frame, class_id))
        on_errors += int(proposal.class_id != class_id)
        record.add_click(
            proposal.frame, class_id, row=proposal.row, col=proposal.col, annotator=annotator,
            note=f"proposed: {proposal.reason}",
        )  # fmt: skip
        added += 1
        if after_click is not None:
            after_click()
    return LabelledRound(added, on_errors)
