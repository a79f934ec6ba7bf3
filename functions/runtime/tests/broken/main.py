raise RuntimeError("this snapshot fails at import")
