// The reference design's "Disabling Kafka in Tests" recipe, run as written. Not in the reference: the imports,
// MyService (it names a service of the reader's app), and one test inside the block (marked below).
import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { KafkaModule } from '@/common/kafka';

@Injectable()
class MyService {
  static created = false;

  constructor() {
    MyService.created = true;
  }
}

describe('MyService', () => {
  beforeEach(async () => {
    process.env.KAFKA_ENABLED = 'false';

    const module: TestingModule = await Test.createTestingModule({
      imports: [KafkaModule],
      providers: [MyService],
    }).compile();

    // ...
  });
  // Not in the reference: Jest runs a beforeEach only for the tests next to it, so the recipe needs one.
  it('compiles the module with Kafka disabled', () => {
    expect(process.env.KAFKA_ENABLED).toBe('false');
    expect(MyService.created).toBe(true);
  });
});
