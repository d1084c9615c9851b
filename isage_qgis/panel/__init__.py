"""The iSAGE dock: its state (what to run next), widgets and dialogs, the session that ties a
project to a workspace, and the settings dialog. No business logic in the widgets."""
