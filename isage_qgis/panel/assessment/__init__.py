"""The panel's accuracy assessment: the points to label (queue), the report's figures, the controller
(session), the dock's box (widgets) and the view that connects them to the map."""
