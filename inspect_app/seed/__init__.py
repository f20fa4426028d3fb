"""Demo data and the default checklist content, loaded by `flask seed-demo`."""
