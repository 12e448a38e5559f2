mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

mock_provider "aws" {
  alias = "dr"

  mock_data "aws_region" {
    defaults = { region = "us-west-2" }
  }
}

variables {
  name_prefix    = "mbt-test"
  kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/mrk-00000000000000000000000000000001"
  dr_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/mrk-00000000000000000000000000000001"
  archival       = jsondecode(file("../../contracts/archival_policy.json"))
  replication    = jsondecode(file("../../contracts/media_replication.json"))
}

run "replication_targets_the_dr_bucket_with_rtc" {
  command = apply

  assert {
    condition     = one(one(aws_s3_bucket_replication_configuration.media.rule).destination).bucket == module.media_dr.arn
    error_message = "replication must target the DR bucket."
  }

  assert {
    condition     = strcontains(module.media_dr.id, "us-west-2")
    error_message = "the replication target bucket must live in the DR region."
  }

  assert {
    condition     = one(one(one(aws_s3_bucket_replication_configuration.media.rule).destination).replication_time).status == "Enabled"
    error_message = "Replication Time Control must be on."
  }

  assert {
    condition     = one(one(one(aws_s3_bucket_replication_configuration.media.rule).destination).encryption_configuration).replica_kms_key_id == var.dr_kms_key_arn
    error_message = "replicas must be encrypted with the DR replica key."
  }
}

run "failback_replicates_dr_writes_to_the_primary" {
  command = apply

  assert {
    condition     = one(one(aws_s3_bucket_replication_configuration.media_failback.rule).destination).bucket == module.media_primary.arn
    error_message = "objects written in DR during a failover must flow back to the primary bucket."
  }

  assert {
    condition     = one(one(one(aws_s3_bucket_replication_configuration.media_failback.rule).destination).encryption_configuration).replica_kms_key_id == var.kms_key_arn
    error_message = "fail-back replicas must be encrypted with the primary key."
  }
}

run "media_buckets_hold_user_data_and_archive" {
  command = plan

  assert {
    condition     = strcontains(module.media_primary.id, "media-us-east-1")
    error_message = "the primary media bucket is named after its region."
  }

  assert {
    condition     = module.media_primary.archive_tiers == { DEEP_ARCHIVE_ACCESS = 180 }
    error_message = "the primary archives what has been inactive for six months, and nothing sooner."
  }
}

# After a failover the CDN's DR origin is the only read path: an archived copy there answers 403.
run "the_dr_copy_never_archives" {
  command = plan

  assert {
    condition     = module.media_dr.archive_tiers == {}
    error_message = "the DR media bucket must have no Intelligent-Tiering archive tiers."
  }
}

run "rejects_unsupported_rtc_minutes" {
  command = plan

  variables {
    replication = merge(jsondecode(file("../../contracts/media_replication.json")), {
      to_dr = merge(jsondecode(file("../../contracts/media_replication.json")).to_dr, { replication_time_minutes = 30 })
    })
  }

  expect_failures = [var.replication]
}

run "rules_follow_the_media_replication_contract_both_ways" {
  command = apply

  assert {
    condition = alltrue([
      for pair in [
        [one(aws_s3_bucket_replication_configuration.media.rule), var.replication.to_dr],
        [one(aws_s3_bucket_replication_configuration.media_failback.rule), var.replication.to_primary],
      ] :
      pair[0].id == pair[1].id && one(pair[0].delete_marker_replication).status == "Enabled" && one(pair[0].destination).storage_class == pair[1].storage_class
    ])
    error_message = "the replication rules are the contract's (ids, delete markers, copy class), as the local stack's are."
  }
}

run "cloudfront_reads_media_only_through_its_distribution" {
  command = apply

  variables {
    cdn_distribution_arn = "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"
  }

  assert {
    condition     = jsondecode(module.media_primary.policy).Statement[1].Condition.StringEquals["AWS:SourceArn"] == var.cdn_distribution_arn
    error_message = "only our distribution may read the primary media bucket."
  }

  assert {
    condition     = jsondecode(module.media_dr.policy).Statement[1].Principal.Service == "cloudfront.amazonaws.com"
    error_message = "the DR media bucket must trust CloudFront for failover reads."
  }

  assert {
    condition     = jsondecode(module.media_primary.policy).Statement[0].Effect == "Deny"
    error_message = "the TLS-only deny must stay first."
  }
}

# Review finding 12: standard logging v2 needs the documented ACL check, and both grants bound to our sources.
run "cloudfront_log_delivery_is_documented_and_bound_to_this_account" {
  command = apply

  assert {
    condition = alltrue([for sid in ["AWSLogDeliveryAclCheck", "CloudFrontLogDelivery"] : one([
      for st in jsondecode(module.logs_primary.policy).Statement : st.Condition.ArnLike["aws:SourceArn"] == "arn:aws:logs:us-east-1:111122223333:delivery-source:*" && st.Condition.StringEquals["aws:SourceAccount"] == "111122223333" if st.Sid == sid
    ])])
    error_message = "the log delivery grants must be bound to this account's delivery sources."
  }

  assert {
    condition     = one([for st in jsondecode(module.logs_primary.policy).Statement : st.Action if st.Sid == "AWSLogDeliveryAclCheck"]) == "s3:GetBucketAcl"
    error_message = "log delivery must be able to check the bucket ACL."
  }
}

run "daily_parquet_inventory_of_the_primary_into_the_analytics_bucket" {
  command = plan

  variables {
    inventory = merge(jsondecode(file("../../contracts/media_inventory.json")), {
      destination_bucket_arn = "arn:aws:s3:::mbt-test-analytics-us-east-1-111122223333"
      kms_key_arn            = "arn:aws:kms:us-east-1:111122223333:key/analytics"
    })
  }

  assert {
    condition     = one(aws_s3_bucket_inventory.media).schedule[0].frequency == "Daily" && one(aws_s3_bucket_inventory.media).destination[0].bucket[0].format == "Parquet"
    error_message = "the media inventory is daily, in Parquet (the contract)."
  }

  assert {
    condition     = one(aws_s3_bucket_inventory.media).destination[0].bucket[0].bucket_arn == var.inventory.destination_bucket_arn && one(aws_s3_bucket_inventory.media).destination[0].bucket[0].encryption[0].sse_kms[0].key_id == var.inventory.kms_key_arn
    error_message = "the reports go to the analytics bucket, encrypted with its key."
  }

  assert {
    condition     = toset(one(aws_s3_bucket_inventory.media).optional_fields) == toset(["Size", "LastModifiedDate", "ETag", "StorageClass", "IntelligentTieringAccessTier"])
    error_message = "the audit needs size, class and access tier of every object."
  }
}

run "a_weekly_or_csv_inventory_is_what_the_contract_says_only" {
  command = plan

  variables {
    inventory = merge(jsondecode(file("../../contracts/media_inventory.json")), {
      frequency              = "Hourly"
      destination_bucket_arn = "arn:aws:s3:::mbt-test-analytics-us-east-1-111122223333"
      kms_key_arn            = "arn:aws:kms:us-east-1:111122223333:key/analytics"
    })
  }

  expect_failures = [var.inventory]
}
