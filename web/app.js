// search page (ES module)
