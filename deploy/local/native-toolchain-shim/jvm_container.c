/*
 * Two HotSpot entry points that the ../shared native toolchain's libjvm.a does not define.
 * libjava.a's CgroupMetrics.o calls them, and the linker pulls that object in as soon as an image
 * can reach the JDK's OperatingSystemMXBean container metrics (which analysis precision, not our
 * code, decides). The answer matches the toolchain's own container helper: not containerized.
 * Linked only into images built with that toolchain; release images use the Mandrel builder.
 */
unsigned char JVM_IsContainerized(void) { return 0; }
unsigned char JVM_IsUseContainerSupport(void) { return 0; }
