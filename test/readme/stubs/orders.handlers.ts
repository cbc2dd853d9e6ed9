// Stand-in for the app's own handlers that README.md's KafkaTestingModule example imports: only its name matters
// to the compiler (the example's handlers run for real in test/testing/kafka-testing.spec.ts).
export class OrdersHandlers {}
