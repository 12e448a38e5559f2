"""`ops audit`: checks that the archival policy is applied as declared, and what it saves (ops/audit/README.md)."""
