"""The Azure runtime API: requests parsed into typed input (`requests`), results built into Azure's JSON
(`responses`), and the views between them (`views`)."""
