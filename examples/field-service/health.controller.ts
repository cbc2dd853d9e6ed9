import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { KafkaHealthIndicator } from '../../src';

/**
 * The reference design's health check, served at GET /health. (The design shows the class as @Injectable;
 * a route needs @Controller and @Get.)
 */
@Controller('health')
export class HealthController {
  constructor(
    private health: HealthCheckService,
    private kafkaHealth: KafkaHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.kafkaHealth.isHealthy('kafka')]);
  }
}
