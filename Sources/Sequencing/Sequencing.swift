// Sequencing: see docs/architecture.md for this layer's place. Its contents arrive with
// the issue that builds it; the target exists now so the layout is right from the start.
