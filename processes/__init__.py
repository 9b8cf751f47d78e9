"""The shipped processes: BPMN diagrams, DMN tables, the default policy.toml and mail templates (package data)."""
