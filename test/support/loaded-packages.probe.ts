// Preloaded (`node -r`) into a command a test spawns: when the process exits, it says on stderr whether it loaded
// the confluent client's package, so the test knows which client really ran rather than which one was named.
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((file) => file.includes('/@confluentinc/kafka-javascript/'));
  process.stderr.write(`probe: @confluentinc/kafka-javascript ${loaded ? 'loaded' : 'not loaded'}\n`);
});
