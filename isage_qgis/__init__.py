"""iSAGE QGIS plugin."""


def classFactory(iface):  # noqa: N802 (the name QGIS looks for)
    """QGIS entry point: build the plugin object (imports stay lazy until QGIS asks)."""
    from .plugin import IsagePlugin

    return IsagePlugin(iface)
