"""The live channel's WebSocket routes ($connect authorizer, $connect, $disconnect, $default) in each region."""
