// The reference design's "Handler Method Signature" example: a method, kept as written, in a class.
export class HandlerSignatureExample {
async handleEvent(
  event: any,                    // Parsed event data
  context: {                     // Event metadata
    topic: string;               // Kafka topic
    headers: Record<string, string>;  // Message headers
    partition: number;           // Partition number
    offset: string;              // Message offset
  },
): Promise<void> {
  // Your logic here
}
}
