// Simulator: physics, terrain, sensor models and device emulators (see
// docs/architecture.md). Its contents arrive with the simulator issue.
