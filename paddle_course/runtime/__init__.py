"""The process and its platform: environment settings made before Paddle computes, the
device, data-parallel ranks, seeds, files written safely (and recorded in their run's
manifest)."""
