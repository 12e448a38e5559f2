# The stack-outputs contract of docs/architecture.md (ops/stack_outputs.py): every consumer reads only this.
output "stack_outputs" {
  description = "The environment's stack-outputs document (the contract in ops/stack_outputs.py)."
  value = {
    env            = var.env
    primary_region = var.primary_region
    dr_region      = var.dr_region
    endpoint_url   = null
    api = {
      primary = module.api_primary.api_url
      dr      = module.api_dr.api_url
      public  = coalesce(module.dr.public_url, module.api_primary.api_url)
    }
    # The live channel's wss:// URL per region (null when live_socket/live_delivery are not built).
    live = local.live_built ? {
      primary = module.live_primary[0].url
      dr      = module.live_dr[0].url
    } : null
    auth = {
      user_pool_id     = module.identity.user_pool_id
      client_id        = module.identity.client_id
      identity_pool_id = module.identity.identity_pool_id
      issuer           = module.identity.issuer
      # Managed login for federated sign-in (null without identity.hosted_login) and its providers.
      hosted_login_domain = module.identity.hosted_login_domain
      identity_providers  = module.identity.identity_provider_names
    }
    table = {
      name       = module.table.table_name
      stream_arn = module.table.stream_arn
    }
    media = {
      bucket = {
        primary = module.storage.media_bucket_primary
        dr      = module.storage.media_bucket_dr
      }
      cdn_domain = module.cdn.domain_name
    }
    notifications = {
      queue_url             = module.notifications_primary.queue_url
      platform_applications = module.notifications_primary.platform_application_arns
    }
    analytics = {
      bucket    = module.analytics.bucket
      database  = module.analytics.database
      table     = module.analytics.table
      workgroup = module.analytics.workgroup
    }
    dr = {
      health_check_id = module.dr.health_check_ids["primary"]
      failover_record = module.dr.failover_record
    }
    alerts_topic_arn = module.observability_primary.alerts_topic_arn
  }
}

output "user_pool_replica_region" {
  description = "Region where `ops env apply` keeps the Cognito user pool replica (post-apply step)."
  value       = var.dr_region
}

output "user_pool_id" {
  description = "Cognito user pool id (input of the post-apply replica step)."
  value       = module.identity.user_pool_id
}

output "role_arns" {
  description = "Job function -> IAM role ARN."
  value       = module.access.role_arns
}

output "dashboard_names" {
  description = "CloudWatch dashboards per site."
  value       = { primary = module.observability_primary.dashboard_name, dr = module.observability_dr.dashboard_name }
}

output "alarm_names" {
  description = "Every alarm per site."
  value       = { primary = module.observability_primary.alarm_names, dr = module.observability_dr.alarm_names }
}

output "drill_schedule" {
  description = "EventBridge Scheduler schedule of the non-destructive drill (null when no drill function is built)."
  value       = module.dr.drill_schedule_name
}

output "dr_targets" {
  description = "RTO/RPO targets the drills report against, in minutes."
  value       = { rto_minutes = var.dr.rto_minutes, rpo_minutes = var.dr.rpo_minutes }
}

output "legacy_sql" {
  description = "Legacy MySQL endpoints when enabled (null otherwise)."
  value = var.legacy_sql.enabled ? {
    proxy_endpoint    = module.legacy_sql[0].proxy_endpoint
    global_cluster_id = module.legacy_sql[0].global_cluster_id
    master_secret_arn = module.legacy_sql[0].master_secret_arn
  } : null
}

output "cdn_signing_key_secret_name" {
  description = "Secret (primary region, replicated to DR) where the operator puts the media URL-signing private key PEM."
  value       = module.cdn.signing_key_secret_name
}

output "cdn_signing_key_pair_id" {
  description = "CloudFront public key id media download URLs are signed with (null until cdn.signing_public_key_pem is set)."
  value       = module.cdn.signing_key_pair_id
}
