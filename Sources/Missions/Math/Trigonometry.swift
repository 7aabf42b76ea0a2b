#if canImport(Glibc)
    import Glibc
#endif

// The elementary functions the flight apps use, in one place: Glibc's, under names that do
// not need Glibc imported in every file (imports are per file, and a file that forgets one
// would pick up Foundation's through another module's member lookup).

@inline(__always) func sine(_ x: Double) -> Double { sin(x) }
@inline(__always) func cosine(_ x: Double) -> Double { cos(x) }
@inline(__always) func tangent(_ x: Double) -> Double { tan(x) }
@inline(__always) func arcTangent(_ x: Double) -> Double { atan(x) }
@inline(__always) func arcCosine(_ x: Double) -> Double { acos(x) }
@inline(__always) func exponential(_ x: Double) -> Double { exp(x) }
