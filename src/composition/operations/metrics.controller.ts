import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAnswer } from '../../infrastructure/http/answer-schema';
import type { FastifyReply } from 'fastify';
import { Allow, ScrapeToken } from '../../modules/access/auth/access-rule';
import { Metrics } from '../../infrastructure/metrics/metrics';

/** Prometheus scrapes here: inside the closed network, signed-in admins and auditors, or METRICS_TOKEN. */
@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Allow('DINKES_ADMIN', 'DUKCAPIL_AUDITOR')
  @ScrapeToken()
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Prometheus metrics (text format 0.0.4): requests by route template, registry calls, breaker, projection lag, balikan outbox, agreement, refusals, lockouts, process',
    description:
      'A sign-in token of a DINKES_ADMIN or DUKCAPIL_AUDITOR, or the static METRICS_TOKEN (accepted on this route only). No personal data in any label.',
  })
  @ApiAnswer(null, { description: 'Prometheus text exposition format, version 0.0.4', files: ['text'] })
  async scrape(@Res() response: FastifyReply): Promise<void> {
    const body = await this.metrics.render();
    void response.header('Cache-Control', 'no-store').type(this.metrics.contentType).send(body);
  }
}
