// Configuration: the files a mission engineer writes — board files, fault tables, simulator
// scenarios — read from YAML (Yams) with every problem reported as `file:line:col: error: …`.
// Ground side only: flight code receives the validated Swift values, never YAML.
