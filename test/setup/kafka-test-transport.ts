// The integration project runs test/testing/ specs on the real broker: KafkaTestingModule reads this switch.
process.env.KAFKA_TEST_TRANSPORT = 'kafka';
