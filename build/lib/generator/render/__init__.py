"""Render stage: device models -> vendor configs (Jinja2), written atomically into out/ and audited."""
