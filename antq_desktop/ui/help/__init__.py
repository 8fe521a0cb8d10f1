"""The offline user guide (Trợ giúp → Hướng dẫn sử dụng, F1): HTML pages in
resources/help/, one per tab, shown in a QTextBrowser (ui.help.window)."""
