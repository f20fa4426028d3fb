"""Excel workbooks: pure readers (bytes in, rows and errors out), their appliers, the writers."""
