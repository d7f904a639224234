import { Controller, Get } from '@nestjs/common';
import type { HealthResponse } from '@ciphernest/protocol';

@Controller('healthz')
export class HealthController {
  @Get()
  health(): HealthResponse {
    return { status: 'ok' };
  }
}
