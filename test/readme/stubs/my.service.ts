// Stand-in for the service README.md's "Disabling Kafka in tests" example provides.
export class MyService {}
