"""The method's steps on a workspace: one training iteration from the record's clicks, and the
prediction of the workspace's frames that follows it."""
