// Scratch buffers (random-word tiles, register spills) are always written before they are read: skip zeroing them.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
