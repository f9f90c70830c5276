"""The read path's fixed SQL, one module per area, returning models/rows.py rows."""
